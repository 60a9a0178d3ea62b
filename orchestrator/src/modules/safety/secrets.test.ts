import { describe, expect, it } from 'vitest';
import { scanSecrets } from './secrets';

const find = (text: string) => scanSecrets(text).map((s) => [s.type, text.slice(s.start, s.end)]);

describe('scanSecrets', () => {
  it('recognises provider keys by their documented prefixes', () => {
    const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
    const gh = 'ghp_' + 'a'.repeat(36);
    const stripe = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
    expect(find(`keys: ${aws} ${gh} ${stripe}`)).toEqual([
      ['AWS_ACCESS_KEY', aws],
      ['GITHUB_TOKEN', gh],
      ['STRIPE_KEY', stripe],
    ]);
  });

  it('finds a PEM private key block and a JWT', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----';
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(find(`here ${pem} and ${jwt}`).map(([t]) => t)).toEqual(['PRIVATE_KEY', 'JWT']);
  });

  it('points at the password inside a URL and after "password:", not at the whole line', () => {
    expect(find('db: postgres://admin:s3cr3t-pw@db.internal:5432/app')).toEqual([['URL_PASSWORD', 's3cr3t-pw']]);
    expect(find('Your password is: Hunter2024!')).toEqual([['PASSWORD_ASSIGNMENT', 'Hunter2024!']]);
  });

  it('stays quiet on ordinary prose', () => {
    expect(scanSecrets('Your order ships tomorrow; the password reset link expires in 24 hours.')).toEqual([]);
  });
});
