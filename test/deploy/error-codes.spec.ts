import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { commonErrors } from '@otus/common';
import { contractErrors } from '../../services/contract/src/contract-errors';
import { courseErrors } from '../../services/course/src/course-errors';
import { notificationErrors } from '../../services/notification/src/notification-errors';
import { promoErrors } from '../../services/promo/src/promo-errors';
import { userErrors } from '../../services/user/src/user-errors';

/**
 * One way to refuse: every error is made from a catalogue (docs/failure-handling.md), so a code
 * has one status and one meaning across the system.
 */
const ROOT = join(__dirname, '../..');
const CATALOGUES = {
  common: commonErrors,
  user: userErrors,
  contract: contractErrors,
  course: courseErrors,
  promo: promoErrors,
  notification: notificationErrors,
};

describe('error codes', () => {
  it('no code is defined in two catalogues', () => {
    const owners = new Map<string, string[]>();
    for (const [name, catalogue] of Object.entries(CATALOGUES)) {
      for (const code of Object.keys(catalogue)) owners.set(code, [...(owners.get(code) ?? []), name]);
    }
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  it('no service source builds a DomainError by hand', () => {
    let found = '';
    try {
      found = execFileSync(
        'git',
        [
          'grep',
          '-n',
          '-E',
          'new DomainError\\(',
          '--',
          'services/*/src/*.ts',
          'services/*/src/**/*.ts',
          'packages/common/src',
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
    } catch (e) {
      if ((e as { status?: number }).status !== 1) throw e; // 1: no match
    }
    const sites = found
      .split('\n')
      .filter(Boolean)
      .filter((line) => !/\.spec\.ts:/.test(line) && !line.startsWith('packages/common/src/errors/error-codes.ts:'));
    expect(sites).toEqual([]);
  });
});
