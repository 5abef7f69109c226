// Where a message's attachments go: one folder per message under the attachments folder, each file
// name sanitised (no separators, no `..`, no leading dot) and unique within the message. The folder
// is derived from the note, so a retried message finds the files it already saved.
import { inertName, joinVaultPath, safeFileName } from '../../contract/index.ts';
import { extensionFor } from './message.ts';

/** Safe, unique names for a message's attachments, in order. `../../x` becomes `x`; a note becomes `.txt`. */
export function attachmentFileNames(raw: readonly { name: string; contentType: string }[]): string[] {
  const used = new Set<string>();
  return raw.map((a, i) => {
    // Keep only the last path segment of either separator, then let safeFileName strip the rest.
    const last = a.name.split(/[\\/]/).filter((s) => s !== '' && s !== '.' && s !== '..').pop() ?? '';
    let name = safeFileName(last, 96);
    if (name === 'untitled') name = `attachment-${i + 1}${extensionFor(a.contentType)}`;
    name = inertName(name);
    let unique = name;
    const dot = name.lastIndexOf('.') > 0 ? name.lastIndexOf('.') : name.length;
    for (let n = 2; used.has(unique.toLowerCase()); n++) unique = `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
    used.add(unique.toLowerCase());
    return unique;
  });
}

/** The message's attachment folder: `<attachments>/<YYYY>/<MM>/<note base name>`. */
export function attachmentFolder(attachmentsRoot: string, noteBaseName: string, localDate: string): string {
  return joinVaultPath(attachmentsRoot, localDate.slice(0, 4), localDate.slice(5, 7), safeFileName(noteBaseName, 100));
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
