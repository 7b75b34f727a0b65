/**
 * Renders CloudFormation string values (Fn::Join / Fn::Sub / Ref / GetAtt) as text, each
 * reference replaced by `placeholder(name)`, so user data and dashboards can be read, measured
 * and snapshotted.
 */
export function renderText(value: unknown, placeholder: (name: string) => string = (n) => `<${n}>`): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const o = value as Record<string, unknown>;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => renderText(p, placeholder)).join(sep);
  }
  if ('Fn::Base64' in o) return renderText(o['Fn::Base64'], placeholder);
  if ('Ref' in o) return placeholder(String(o.Ref));
  if ('Fn::GetAtt' in o) return placeholder((o['Fn::GetAtt'] as string[]).join('.'));
  if ('Fn::Sub' in o) {
    const sub = o['Fn::Sub'];
    const text = typeof sub === 'string' ? sub : (sub as [string])[0];
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => placeholder(name));
  }
  throw new Error(`renderText: cannot render ${JSON.stringify(value)}`);
}

/** 64-hex asset hashes vary with the bundle: masked in snapshots. */
export function maskHashes(text: string): string {
  return text.replace(/\b[0-9a-f]{64}\b/g, '<asset-hash>');
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export function resourcesOfType(template: Record<string, unknown>, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(template.Resources as Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

export function onlyResource(template: Record<string, unknown>, type: string): Record<string, unknown> {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]![1];
}

/** The worker instances' boot script as text. */
export function userDataText(template: Record<string, unknown>, placeholder?: (name: string) => string): string {
  const lt = onlyResource(template, 'AWS::EC2::LaunchTemplate') as { LaunchTemplateData: { UserData: unknown } };
  return renderText(lt.LaunchTemplateData.UserData, placeholder);
}
