/**
 * The documented local identities of the offline stack (README, "Authentication"). The offline API front
 * verifies SigV4 signatures against these exactly as API Gateway's IAM authorization does against IAM
 * principals in AWS; every tool of the project (tests, `npm run converse`, `npm run chat`, benchmarks)
 * signs with them. Secrets are public on purpose: they only open a stack on the developer's own machine.
 */
export interface LocalIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  tenant: string;
  role: 'client' | 'operator';
  /** The IAM principal ARN this identity stands for (what the tenants configuration maps in AWS). */
  principalArn: string;
}

export const LOCAL_IDENTITIES: readonly LocalIdentity[] = [
  { accessKeyId: 'polaris-local', secretAccessKey: 'polaris-local-secret', tenant: 'local', role: 'client', principalArn: 'arn:aws:iam::000000000000:user/polaris-local' },
  { accessKeyId: 'polaris-local-b', secretAccessKey: 'polaris-local-b-secret', tenant: 'local-b', role: 'client', principalArn: 'arn:aws:iam::000000000000:user/polaris-local-b' },
  { accessKeyId: 'polaris-operator', secretAccessKey: 'polaris-operator-secret', tenant: 'local', role: 'operator', principalArn: 'arn:aws:iam::000000000000:user/polaris-operator' },
];

export type LocalIdentityName = 'polaris-local' | 'polaris-local-b' | 'polaris-operator';

export function localIdentity(accessKeyId: string): LocalIdentity | undefined {
  return LOCAL_IDENTITIES.find((i) => i.accessKeyId === accessKeyId);
}
