'use client';
import { useState } from 'react';
import { Copy } from 'lucide-react';
import { Button, Card, CardHeader } from '@/components/ui/primitives';

/** The website chat widget embed code for this tenant (the key is a chat-only API key the admin creates). */
export function WidgetSnippet({ shellUrl, apiUrl, tenant }: { shellUrl: string; apiUrl: string; tenant: string }) {
  const [copied, setCopied] = useState(false);
  const snippet = `<script src="${shellUrl}/widget.js"\n  data-tenant="${tenant}"\n  data-key="atr_…  (an API key with only the chat:create scope)"\n  data-api="${apiUrl}"\n  data-theme="light" data-color="#3b55e6" data-title="Ask us anything" async></script>`;
  return (
    <Card>
      <CardHeader
        title="Website chat widget"
        description="For sites without Chatwoot: paste before </body>. Add the site's origin to CORS_ORIGINS on the API."
        actions={
          <Button size="sm" variant="secondary" onClick={() => void navigator.clipboard?.writeText(snippet).then(() => setCopied(true))}>
            <Copy className="size-3.5" /> {copied ? 'Copied' : 'Copy'}
          </Button>
        }
      />
      <pre className="overflow-auto p-4 text-xs leading-5">{snippet}</pre>
    </Card>
  );
}
