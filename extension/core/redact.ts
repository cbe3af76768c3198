// Masks the passwords in database URLs (mysql://user:secret@host, ?password=secret) before anything is logged or
// shown. Applied to whole lines of text, so a URL inside a message is caught as well as a URL on its own.

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]*)@/gi;
const PARAM = /([?&;\s](?:password|pass|pwd|passwd|secret|token|sslpassword|authSource_password)=)([^&;\s]*)/gi;

export function redactSecrets(text: string): string {
  return text.replace(USERINFO, '$1:***@').replace(PARAM, '$1***');
}
