import { GetTopicAttributesCommand, paginateListSubscriptionsByTopic, type Subscription } from '@aws-sdk/client-sns';
import { errorName } from './describe-error';
import type { CheckResult, PreflightContext } from './types';

export type SubscriptionState = 'confirmed' | 'pending' | 'missing';

/**
 * The alarm address's state on the topic, from ListSubscriptionsByTopic: confirmed subscriptions
 * carry their ARN, unconfirmed e-mail subscriptions the literal "PendingConfirmation".
 */
export function subscriptionState(subscriptions: readonly Subscription[], email: string): SubscriptionState {
  const mine = subscriptions.filter((s) => s.Protocol === 'email' && s.Endpoint?.toLowerCase() === email.toLowerCase());
  if (mine.some((s) => s.SubscriptionArn?.startsWith('arn:'))) return 'confirmed';
  if (mine.some((s) => s.SubscriptionArn === 'PendingConfirmation')) return 'pending';
  return 'missing';
}

/** Alarms reach someone only once the address confirmed the subscription the stack made. */
export async function checkAlarmSubscription(ctx: PreflightContext): Promise<CheckResult> {
  const { config } = ctx;
  const email = config.alarms.email;
  const base = { id: 'alarm-subscription', check: 'Alarm e-mail subscription' };
  if (!ctx.account) return { ...base, state: 'unknown', detail: 'the account is not known (STS did not answer): cannot name the topic' };
  const topicArn = `arn:${ctx.partition}:sns:${config.region}:${ctx.account}:${config.prefix}-alarms`;
  const sns = ctx.clients.sns(config.region);
  try {
    await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  } catch (err) {
    if (errorName(err) !== 'NotFoundException') throw err;
    return {
      ...base,
      state: 'warn',
      detail: `no topic ${config.prefix}-alarms yet: the deploy creates it and mails ${email}`,
      action: `after the deploy, confirm the "AWS Notification - Subscription Confirmation" mail to ${email}, then run preflight again`,
    };
  }
  const subscriptions: Subscription[] = [];
  for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topicArn })) subscriptions.push(...(page.Subscriptions ?? []));
  switch (subscriptionState(subscriptions, email)) {
    case 'confirmed':
      return { ...base, state: 'pass', detail: `${email} confirmed on ${config.prefix}-alarms` };
    case 'pending':
      return {
        ...base,
        state: 'fail',
        detail: `${email} has not confirmed: alarms reach no one`,
        action: `open the "AWS Notification - Subscription Confirmation" mail to ${email} and confirm (to send it again: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint ${email})`,
      };
    case 'missing':
      return {
        ...base,
        state: 'fail',
        detail: `${config.prefix}-alarms has no e-mail subscription for ${email}`,
        action: `deploy again (the stack subscribes ${config.name}.alarms.email), or: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint ${email}`,
      };
  }
}
