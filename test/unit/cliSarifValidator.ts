/**
 * The essential constraints of the SARIF 2.1.0 schema (OASIS
 * sarif-schema-2.1.0.json) for the objects `ssh-lifeline lint --format sarif`
 * emits, checked without a network or a JSON-schema library: required
 * properties, `additionalProperties: false` (the schema sets it on every
 * object used here), enums, integer minimums, URI formats; plus the spec's
 * cross-references (ruleIndex → rules[ruleId], uriBaseId declared, region
 * order). Returns a list of problems; empty means valid.
 */

type Json = unknown;

const allowed: Record<string, readonly string[]> = {
  sarifLog: ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties'],
  run: [
    'tool', 'invocations', 'conversion', 'language', 'versionControlProvenance', 'originalUriBaseIds', 'artifacts', 'logicalLocations', 'graphs', 'results',
    'automationDetails', 'runAggregates', 'baselineGuid', 'redactionTokens', 'defaultEncoding', 'defaultSourceLanguage', 'newlineSequences', 'columnKind',
    'externalPropertyFileReferences', 'threadFlowLocations', 'taxonomies', 'addresses', 'translations', 'policies', 'webRequests', 'webResponses', 'specialLocations', 'properties',
  ],
  tool: ['driver', 'extensions', 'properties'],
  toolComponent: [
    'guid', 'name', 'organization', 'product', 'productSuite', 'shortDescription', 'fullDescription', 'fullName', 'version', 'semanticVersion', 'dottedQuadFileVersion',
    'releaseDateUtc', 'downloadUri', 'informationUri', 'globalMessageStrings', 'notifications', 'rules', 'taxa', 'locations', 'language', 'contents', 'isComprehensive',
    'localizedDataSemanticVersion', 'minimumRequiredLocalizedDataSemanticVersion', 'associatedComponent', 'translationMetadata', 'supportedTaxonomies', 'properties',
  ],
  reportingDescriptor: [
    'id', 'deprecatedIds', 'guid', 'deprecatedGuids', 'name', 'deprecatedNames', 'shortDescription', 'fullDescription', 'messageStrings', 'defaultConfiguration', 'helpUri', 'help',
    'relationships', 'properties',
  ],
  multiformatMessageString: ['text', 'markdown', 'properties'],
  invocation: [
    'commandLine', 'arguments', 'responseFiles', 'startTimeUtc', 'endTimeUtc', 'exitCode', 'ruleConfigurationOverrides', 'notificationConfigurationOverrides',
    'toolExecutionNotifications', 'toolConfigurationNotifications', 'exitCodeDescription', 'exitSignalName', 'exitSignalNumber', 'processStartFailureMessage',
    'executionSuccessful', 'machine', 'account', 'processId', 'executableLocation', 'workingDirectory', 'environmentVariables', 'stdin', 'stdout', 'stderr',
    'stdoutStderr', 'properties',
  ],
  result: [
    'ruleId', 'ruleIndex', 'rule', 'kind', 'level', 'message', 'analysisTarget', 'locations', 'guid', 'correlationGuid', 'occurrenceCount', 'partialFingerprints',
    'fingerprints', 'stacks', 'codeFlows', 'graphs', 'graphTraversals', 'relatedLocations', 'suppressions', 'baselineState', 'rank', 'attachments', 'hostedViewerUri',
    'workItemUris', 'provenance', 'fixes', 'taxa', 'webRequest', 'webResponse', 'properties',
  ],
  message: ['text', 'markdown', 'id', 'arguments', 'properties'],
  location: ['id', 'physicalLocation', 'logicalLocations', 'message', 'annotations', 'relationships', 'properties'],
  physicalLocation: ['address', 'artifactLocation', 'region', 'contextRegion', 'properties'],
  artifactLocation: ['uri', 'uriBaseId', 'index', 'description', 'properties'],
  region: ['startLine', 'startColumn', 'endLine', 'endColumn', 'charOffset', 'charLength', 'byteOffset', 'byteLength', 'snippet', 'message', 'sourceLanguage', 'properties'],
};

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 3986 URI-reference characters, with well-formed percent escapes. */
function isUriReference(s: string): boolean {
  return /^([A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(s);
}

function isAbsoluteUri(s: string): boolean {
  return isUriReference(s) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s);
}

export function validateSarif(log: Json): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string): void => {
    problems.push(`${where}: ${what}`);
  };
  const object = (v: Json, kind: string, where: string, required: readonly string[] = []): v is Record<string, Json> => {
    if (!isObject(v)) {
      fail(where, `expected a ${kind} object`);
      return false;
    }
    for (const key of Object.keys(v)) {
      if (!(allowed[kind] ?? []).includes(key)) {
        fail(where, `property "${key}" is not allowed in ${kind}`);
      }
    }
    for (const key of required) {
      if (!(key in v)) {
        fail(where, `${kind} requires "${key}"`);
      }
    }
    return true;
  };
  const string = (v: Json, where: string): v is string => {
    if (typeof v !== 'string') {
      fail(where, 'expected a string');
      return false;
    }
    return true;
  };
  const integer = (v: Json, where: string, min: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      fail(where, `expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
  };
  const message = (v: Json, kind: 'message' | 'multiformatMessageString', where: string): void => {
    if (object(v, kind, where, kind === 'multiformatMessageString' ? ['text'] : [])) {
      if (kind === 'message' && !('text' in v) && !('id' in v)) {
        fail(where, 'message needs "text" or "id"');
      }
      if ('text' in v) {
        string(v['text'], `${where}.text`);
      }
    }
  };
  const artifactLocation = (v: Json, where: string, baseIds: ReadonlySet<string>): void => {
    if (!object(v, 'artifactLocation', where)) {
      return;
    }
    if ('uri' in v && string(v['uri'], `${where}.uri`)) {
      const uri = v['uri'];
      if (!isUriReference(uri)) {
        fail(`${where}.uri`, `not a valid URI reference: ${uri}`);
      }
      if (!isAbsoluteUri(uri) && !('uriBaseId' in v)) {
        fail(where, 'a relative uri needs a uriBaseId');
      }
    }
    if ('uriBaseId' in v && string(v['uriBaseId'], `${where}.uriBaseId`) && !baseIds.has(v['uriBaseId'])) {
      fail(`${where}.uriBaseId`, `"${v['uriBaseId']}" is not declared in run.originalUriBaseIds`);
    }
    if ('description' in v) {
      message(v['description'], 'message', `${where}.description`);
    }
  };

  if (!object(log, 'sarifLog', '$', ['version', 'runs'])) {
    return problems;
  }
  if (log['version'] !== '2.1.0') {
    fail('$.version', 'must be "2.1.0"');
  }
  if ('$schema' in log && (!string(log['$schema'], '$.$schema') || !isAbsoluteUri(log['$schema']))) {
    fail('$.$schema', 'must be an absolute URI');
  }
  if (!Array.isArray(log['runs'])) {
    fail('$.runs', 'expected an array');
    return problems;
  }
  log['runs'].forEach((run: Json, r: number) => {
    const rw = `$.runs[${r}]`;
    if (!object(run, 'run', rw, ['tool'])) {
      return;
    }
    if ('columnKind' in run && !['utf16CodeUnits', 'unicodeCodePoints'].includes(String(run['columnKind']))) {
      fail(`${rw}.columnKind`, 'bad enum value');
    }
    const baseIds = new Set<string>();
    if ('originalUriBaseIds' in run) {
      const bases = run['originalUriBaseIds'];
      if (isObject(bases)) {
        for (const [id, loc] of Object.entries(bases)) {
          baseIds.add(id);
          artifactLocation(loc, `${rw}.originalUriBaseIds.${id}`, new Set());
          if (isObject(loc) && typeof loc['uri'] === 'string' && !loc['uri'].endsWith('/')) {
            fail(`${rw}.originalUriBaseIds.${id}`, 'a base URI must end with "/"');
          }
        }
      } else {
        fail(`${rw}.originalUriBaseIds`, 'expected an object');
      }
    }
    if ('invocations' in run) {
      for (const [i, inv] of (Array.isArray(run['invocations']) ? run['invocations'] : []).entries()) {
        if (object(inv, 'invocation', `${rw}.invocations[${i}]`, ['executionSuccessful']) && typeof inv['executionSuccessful'] !== 'boolean') {
          fail(`${rw}.invocations[${i}].executionSuccessful`, 'expected a boolean');
        }
      }
    }
    const ruleIds: string[] = [];
    const tool = run['tool'];
    if (object(tool, 'tool', `${rw}.tool`, ['driver'])) {
      const driver = tool['driver'];
      if (object(driver, 'toolComponent', `${rw}.tool.driver`, ['name'])) {
        string(driver['name'], `${rw}.tool.driver.name`);
        if ('version' in driver) {
          string(driver['version'], `${rw}.tool.driver.version`);
        }
        if ('informationUri' in driver && (!string(driver['informationUri'], `${rw}.tool.driver.informationUri`) || !isAbsoluteUri(driver['informationUri']))) {
          fail(`${rw}.tool.driver.informationUri`, 'must be an absolute URI');
        }
        for (const [i, rule] of (Array.isArray(driver['rules']) ? driver['rules'] : []).entries()) {
          const w = `${rw}.tool.driver.rules[${i}]`;
          if (object(rule, 'reportingDescriptor', w, ['id']) && string(rule['id'], `${w}.id`)) {
            ruleIds.push(rule['id']);
            if ('shortDescription' in rule) {
              message(rule['shortDescription'], 'multiformatMessageString', `${w}.shortDescription`);
            }
            if ('helpUri' in rule && (typeof rule['helpUri'] !== 'string' || !isAbsoluteUri(rule['helpUri']))) {
              fail(`${w}.helpUri`, 'must be an absolute URI');
            }
          }
        }
        if (new Set(ruleIds).size !== ruleIds.length) {
          fail(`${rw}.tool.driver.rules`, 'rule ids must be unique');
        }
      }
    }
    if (!Array.isArray(run['results'])) {
      fail(`${rw}.results`, 'a scan must have a results array');
      return;
    }
    run['results'].forEach((res: Json, i: number) => {
      const w = `${rw}.results[${i}]`;
      if (!object(res, 'result', w, ['message'])) {
        return;
      }
      message(res['message'], 'message', `${w}.message`);
      if ('level' in res && !['none', 'note', 'warning', 'error'].includes(String(res['level']))) {
        fail(`${w}.level`, `bad level ${JSON.stringify(res['level'])}`);
      }
      if ('ruleIndex' in res) {
        integer(res['ruleIndex'], `${w}.ruleIndex`, -1);
        if (typeof res['ruleIndex'] === 'number' && ruleIds[res['ruleIndex']] !== res['ruleId']) {
          fail(`${w}.ruleIndex`, `rules[${res['ruleIndex']}] is not ${JSON.stringify(res['ruleId'])}`);
        }
      }
      if ('ruleId' in res) {
        string(res['ruleId'], `${w}.ruleId`);
      }
      for (const [l, loc] of (Array.isArray(res['locations']) ? res['locations'] : []).entries()) {
        const lw = `${w}.locations[${l}]`;
        if (!object(loc, 'location', lw)) {
          continue;
        }
        const phys = loc['physicalLocation'];
        if (phys === undefined) {
          continue;
        }
        if (!object(phys, 'physicalLocation', `${lw}.physicalLocation`)) {
          continue;
        }
        if (!('artifactLocation' in phys) && !('address' in phys)) {
          fail(`${lw}.physicalLocation`, 'needs artifactLocation or address');
        }
        if ('artifactLocation' in phys) {
          artifactLocation(phys['artifactLocation'], `${lw}.physicalLocation.artifactLocation`, baseIds);
        }
        const region = phys['region'];
        if (region !== undefined && object(region, 'region', `${lw}.physicalLocation.region`)) {
          const rgw = `${lw}.physicalLocation.region`;
          for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
            if (k in region) {
              integer(region[k], `${rgw}.${k}`, 1);
            }
          }
          const { startLine, startColumn, endLine, endColumn } = region as Record<string, number>;
          if (endLine !== undefined && startLine !== undefined && endLine < startLine) {
            fail(rgw, 'endLine before startLine');
          }
          if (endLine === startLine && endColumn !== undefined && startColumn !== undefined && endColumn < startColumn) {
            fail(rgw, 'endColumn before startColumn on one line');
          }
        }
      }
    });
  });
  return problems;
}
