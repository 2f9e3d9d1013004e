import { stackEnv } from './stack-env';
import { waitFor } from './wait-for';

export interface ReceivedMail {
  id: string;
  subject: string;
  html: string;
  text: string;
  to: { address: string; name: string }[];
  from: { address: string; name: string }[];
  headers: Record<string, string>;
  attachments?: { filename: string; generatedFileName: string; contentType: string; size: number }[];
  time: string;
}

const api = (path: string) => `${stackEnv().MAIL_WEB_URL}/api${path}`;

/** A recipient address nobody else uses: other suites share the inbox, so each test reads only its own mail. */
export function uniqueAddress(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

export async function mailsTo(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(api(`/email?to.address=${encodeURIComponent(address)}`));
  if (!response.ok) throw new Error(`MailDev answered ${response.status}`);
  return (await response.json()) as ReceivedMail[];
}

/** Waits until `count` mails reached `address`, then a little longer to catch one too many. */
export async function waitForMails(address: string, count = 1, settleMs = 300): Promise<ReceivedMail[]> {
  await waitFor(`${count} mail(s) to ${address}`, async () => (await mailsTo(address)).length >= count);
  await new Promise((r) => setTimeout(r, settleMs));
  return mailsTo(address);
}

export async function attachment(mail: ReceivedMail, index = 0): Promise<Buffer> {
  const file = mail.attachments?.[index];
  if (!file) throw new Error(`mail ${mail.id} has no attachment ${index}`);
  const response = await fetch(api(`/email/${mail.id}/attachment/${encodeURIComponent(file.generatedFileName)}`));
  if (!response.ok) throw new Error(`MailDev attachment: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The message as it went over SMTP: headers and MIME parts. */
export async function rawSource(mail: ReceivedMail): Promise<string> {
  return (await fetch(api(`/email/${mail.id}/source`))).text();
}

/** Removes only the given mails; never the whole inbox, which other suites may be reading. */
export async function deleteMails(mails: ReceivedMail[]): Promise<void> {
  if (mails.length === 0) return;
  await fetch(api('/email/delete'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ids: mails.map((m) => m.id) }),
  });
}
