import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="grid min-h-[60vh] place-items-center px-6 text-center">
      <div>
        <p className="text-sm font-semibold text-brand-600">404</p>
        <h1 className="mt-1 text-xl font-semibold">This page does not exist for you</h1>
        <p className="mt-2 text-sm text-[var(--muted)]">It may not exist, or your roles in this tenant do not include it.</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-brand-600 underline-offset-4 hover:underline">
          Back to the console
        </Link>
      </div>
    </div>
  );
}
