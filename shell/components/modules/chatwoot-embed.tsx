'use client';
import { useEffect, useState } from 'react';
import { ExternalLink } from 'lucide-react';
import { Card } from '@/components/ui/primitives';

/**
 * Chatwoot in a frame, with a way out: Chatwoot's own cookie and frame policies may refuse embedding
 * (X-Frame-Options or third-party cookies), so "open in a new tab" is always one click away.
 */
export function ChatwootEmbed({ url }: { url: string }) {
  const [loaded, setLoaded] = useState(false);
  // The frame is created after hydration: one rendered on the server can finish loading before React listens for
  // `load`, and the wrapper would then say "Loading…" forever.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <Card className="overflow-hidden">
      <div className="flex items-center justify-between border-b border-[var(--border)] px-4 py-2 text-xs text-[var(--muted)]">
        <span>{loaded ? 'Chatwoot' : 'Loading Chatwoot…'}</span>
        <a href={url} target="_blank" rel="noreferrer noopener" className="inline-flex items-center gap-1 text-brand-600 hover:underline">
          Open in a new tab <ExternalLink className="size-3" />
        </a>
      </div>
      {hydrated && (
        <iframe
          src={url}
          title="Chatwoot inbox"
          onLoad={() => setLoaded(true)}
          className="h-[calc(100vh-12rem)] min-h-[32rem] w-full"
          sandbox="allow-same-origin allow-scripts allow-forms allow-popups allow-downloads"
        />
      )}
    </Card>
  );
}
