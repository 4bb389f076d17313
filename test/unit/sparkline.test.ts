import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { sparkline } from '../../src/core/health/sparkline';

const BARS = '▁▂▃▄▅▆▇█';

describe('sparkline', () => {
  it('draws the lowest sample as ▁ and the highest as █ (linear)', () => {
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], { scale: 'linear' }), BARS);
  });

  it('draws a lost beat as · and keeps its place', () => {
    assert.equal(sparkline([10, null, 10, null], { scale: 'linear' }), '▁·▁·');
  });

  it('counts NaN and infinite samples as lost', () => {
    assert.equal(sparkline([1, Number.NaN, Infinity, 8], { scale: 'linear' }), '▁··█');
  });

  it('draws only the most recent `width` samples, oldest first', () => {
    const samples = [100, 100, 100, 0, 1, 2, 3, 4, 5, 6, 7];
    assert.equal(sparkline(samples, { width: 8, scale: 'linear' }), BARS);
    assert.equal(sparkline(samples, { width: 3, scale: 'linear' }), '▁▅█');
  });

  it('pads on the left to exactly `width` glyphs when a fill glyph is given', () => {
    const line = sparkline([1, 2], { width: 6, fill: ' ', scale: 'linear' });
    assert.equal(line, '    ▁█');
    assert.equal([...line].length, 6);
    assert.equal(sparkline([1, 2], { width: 6 }).length, 2, 'no padding by default');
  });

  it('draws a constant series as a flat line at the bottom', () => {
    assert.equal(sparkline([42, 42, 42]), '▁▁▁');
    assert.equal(sparkline([42, 42, 42], { scale: 'linear' }), '▁▁▁');
  });

  it('log scale: keeps 20/40/80 ms apart next to a 2 s spike, where linear flattens them', () => {
    const rtts = [20, 40, 80, 2000];
    const log = sparkline(rtts);
    const linear = sparkline(rtts, { scale: 'linear' });
    assert.equal(linear, '▁▁▁█');
    assert.equal(new Set([...log.slice(0, 3)]).size, 3, log);
    assert.equal(log.at(-1), '█');
    // A doubling is the same step at any level.
    const step = (a: string, b: string): number => BARS.indexOf(b) - BARS.indexOf(a);
    assert.ok(Math.abs(step(log[0] as string, log[1] as string) - step(log[1] as string, log[2] as string)) <= 1, log);
  });

  it('log scale: a steady 20–21 ms link is flat, not a saw', () => {
    assert.equal(sparkline([20, 21, 20, 21, 20]), '▁▁▁▁▁');
  });

  it('log scale: sub-millisecond loopback jitter stays low', () => {
    const line = sparkline([0.05, 0.2, 0.05, 0.2]);
    assert.ok([...line].every((g) => BARS.indexOf(g) <= 1), line);
    assert.equal(sparkline([0.05, 0.2, 0.05, 0.2], { scale: 'linear' }), '▁█▁█', 'linear blows it up to full height');
  });

  it('honours a fixed scale and clamps samples outside it', () => {
    assert.equal(sparkline([0, 50, 100, 500], { scale: 'linear', min: 0, max: 100 }), '▁▅██');
    assert.equal(sparkline([-5], { scale: 'linear', min: 0, max: 10 }), '▁');
  });

  it('returns an empty line for no samples or width 0, and all dots when every beat was lost', () => {
    assert.equal(sparkline([]), '');
    assert.equal(sparkline([1, 2, 3], { width: 0 }), '');
    assert.equal(sparkline([null, null]), '··');
    assert.equal(sparkline([], { width: 3, fill: '·' }), '···');
  });

  it('accepts a custom glyph for lost beats', () => {
    assert.equal(sparkline([1, null], { lost: '×' }), '▁×');
  });

  it('never throws and draws min(width, samples) glyphs from the bar set', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(null), fc.double()), { maxLength: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom<'log' | 'linear'>('log', 'linear'),
        (samples, width, scale) => {
          const line = sparkline(samples, { width, scale });
          const glyphs = [...line];
          assert.equal(glyphs.length, Math.min(width, samples.length));
          assert.ok(glyphs.every((g) => BARS.includes(g) || g === '·'), line);
        },
      ),
    );
  });
});
