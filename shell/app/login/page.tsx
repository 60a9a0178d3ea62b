import { redirect } from 'next/navigation';
import { readSession } from '@/lib/auth/session';
import { safeReturnTo } from '@/lib/auth/return-to';

export const dynamic = 'force-dynamic';

const MESSAGES: Record<string, string> = {
  idp_unreachable: 'The identity provider is not reachable right now. Try again in a moment.',
  login_expired: 'The sign-in took too long or was started in another tab. Please start again.',
  code_exchange_failed: 'Sign-in could not be completed. Please try again.',
  access_denied: 'Sign-in was cancelled.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(params.returnTo);
  if ((await readSession()).accessToken && !params.error) redirect(returnTo);
  const error = params.error ? (MESSAGES[params.error] ?? 'Sign-in failed. Please try again.') : null;
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm rounded-2xl border border-[var(--border)] bg-[var(--panel)] p-8 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <span className="grid size-9 place-items-center rounded-xl bg-brand-600 font-semibold text-white" aria-hidden>
            A
          </span>
          <div>
            <h1 className="text-lg font-semibold leading-tight">Atrium console</h1>
            <p className="text-xs text-[var(--muted)]">Your AI front desk, one place to run it</p>
          </div>
        </div>
        {params.signed_out && !error && (
          <p className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-900/30 dark:text-emerald-200">You are signed out.</p>
        )}
        {error && (
          <p role="alert" className="mb-4 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:bg-rose-900/30 dark:text-rose-200">
            {error}
          </p>
        )}
        <a
          href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`}
          className="flex h-10 w-full items-center justify-center rounded-md bg-brand-600 text-sm font-medium text-white hover:bg-brand-700"
        >
          Sign in with your organisation account
        </a>
        <p className="mt-4 text-center text-xs text-[var(--muted)]">Single sign-on through your identity provider (OpenID Connect).</p>
      </div>
    </main>
  );
}
