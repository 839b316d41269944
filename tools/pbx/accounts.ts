/**
 * Test accounts of the local development PBX.
 *
 * Every account registers as `sip:<user>@pbx.test` and authenticates with digest
 * auth, realm = PBX_DOMAIN, username = user. Passwords are deliberately simple:
 * this PBX only ever listens on 127.0.0.1.
 */

export const PBX_DOMAIN = 'pbx.test';

export interface PbxAccount {
  /** SIP user part and digest username, e.g. '1001'. */
  readonly user: string;
  /** Digest password (plain text). */
  readonly password: string;
  readonly displayName: string;
}

export const TEST_ACCOUNTS: readonly PbxAccount[] = [
  { user: '1001', password: 'secret1001', displayName: 'Agent One' },
  { user: '1002', password: 'secret1002', displayName: 'Agent Two' },
  { user: '1003', password: 'secret1003', displayName: 'Agent Three' },
  { user: '1004', password: 'secret1004', displayName: 'Agent Four' },
  { user: '1005', password: 'secret1005', displayName: 'Supervisor Five' },
  { user: '1006', password: 'secret1006', displayName: 'Supervisor Six' },
];

/** Returns the test account with the given user part, or throws if there is none. */
export function getTestAccount(user: string): PbxAccount {
  const account = TEST_ACCOUNTS.find((a) => a.user === user);
  if (!account) throw new Error(`No PBX test account "${user}"`);
  return account;
}

/** `sip:<user>@pbx.test` */
export function sipUri(user: string, domain: string = PBX_DOMAIN): string {
  return `sip:${user}@${domain}`;
}
