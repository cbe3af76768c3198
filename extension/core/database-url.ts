// A database URL apart from its password: what settings may hold (the URL without it) and what a connection needs
// (both). The password is the URL's userinfo password or its `password` query parameter; percent-encoding is undone
// on the way out and done on the way back in, so a password with `@`, `:` or `/` survives the round trip.

export interface SplitUrl {
  /** the URL without its password: what settings hold, and the key the password is kept under */
  bare: string;
  /** the password, decoded; null when the URL carries none */
  password: string | null;
  /** the user name, decoded ('' when none) */
  user: string;
}

/** Splits a URL into the URL without its password and the password; a string that is not a URL comes back whole. */
export function splitPassword(url: string): SplitUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { bare: url, password: null, user: '' };
  }
  let password: string | null = u.password === '' ? null : decodeURIComponent(u.password);
  u.password = '';
  const param = u.searchParams.get('password');
  if (param !== null) {
    password ??= param;
    u.searchParams.delete('password');
  }
  return { bare: u.toString(), password, user: decodeURIComponent(u.username) };
}

/** The URL with this password in its userinfo; an empty password is no password. */
export function withPassword(bare: string, password: string): string {
  if (password === '') return bare;
  const u = new URL(bare);
  u.password = encodeURIComponent(password);
  return u.toString();
}
