'use client';
import { apiHeaders, apiUrl } from '@/lib/api/client';

/** fetch cannot report upload progress; XMLHttpRequest can. Resolves with the parsed JSON answer. */
export function uploadWithProgress(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path));
    apiHeaders().forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* non-JSON error page */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `Upload failed (${xhr.status})`;
      reject(Object.assign(new Error(message), { status: xhr.status, code: (body as { error?: { code?: string } } | null)?.error?.code }));
    };
    xhr.onerror = () => reject(new Error('Network error during upload'));
    xhr.send(form);
  });
}
