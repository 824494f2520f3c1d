import CodeMirror from '@uiw/react-codemirror';
import { json } from '@codemirror/lang-json';
import { EditorView } from '@codemirror/view';

const extensions = [json(), EditorView.lineWrapping];

function prefersDark(): boolean {
  const theme = document.documentElement.dataset.theme;
  if (theme === 'dark') return true;
  if (theme === 'light') return false;
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Read-only CodeMirror showing `text` as JSON (loaded lazily through {@link JsonView}). */
export default function JsonCodeMirror({ text, label }: { text: string; label: string }) {
  return (
    <CodeMirror
      value={text}
      editable={false}
      readOnly
      theme={prefersDark() ? 'dark' : 'light'}
      extensions={extensions}
      basicSetup={{ lineNumbers: true, foldGutter: true, highlightActiveLine: false }}
      aria-label={label}
      maxHeight="480px"
    />
  );
}
