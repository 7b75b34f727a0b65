import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

const byStack = new WeakMap<Stack, Acknowledgement[]>();

/**
 * Acknowledges one cdk-nag finding on `scope`, with the reason it is accepted. Finding ids are
 * exact (`AwsSolutions-IAM5[Resource::…]`): each wildcard is accepted on its own.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
  const stack = Stack.of(scope);
  const list = byStack.get(stack) ?? [];
  list.push({ path: scope.node.path, id, reason });
  byStack.set(stack, list);
}

/** Every acknowledgement made in `stack`, for review (infra tests print and check them). */
export function acknowledgements(stack: Stack): readonly Acknowledgement[] {
  return byStack.get(stack) ?? [];
}

/** How cdk-nag names a resource in a finding id: literal text, references as <Ref> and <Logical.Attr>. */
export function nagResource(stack: Stack, value: string): string {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
    if ('Ref' in o) return `<${String(o.Ref)}>`;
    if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    return JSON.stringify(v);
  };
  return render(stack.resolve(value));
}
