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
