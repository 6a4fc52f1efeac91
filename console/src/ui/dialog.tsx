/**
 * A modal dialog on the browser's own <dialog>: focus moves into it and stays there, Escape
 * closes it, and focus returns where it was. Its title names it for screen readers.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { notify } from './notices';

export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement as HTMLElement | null;
    dialog.showModal();
    return () => {
      dialog.close();
      before?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** A labelled field: the label wraps the control, so it names it. */
export function Field(props: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is among the children, inside the label
    <label class="field">
      <span>{props.label}</span>
      {props.children}
      {props.hint ? <small>{props.hint}</small> : null}
    </label>
  );
}

/**
 * A dialog's change: while it runs the buttons wait; its message is shown when it succeeds, and
 * the server's error both in the dialog and as a notice when it fails.
 */
export function useSubmit(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    try {
      notify.info(await work());
      onDone();
    } catch (failure) {
      notify.error(failure);
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}

/** A dialog form's end: its error, the submit button, any other buttons, Cancel. */
export function DialogFooter(props: {
  error?: string;
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
  children?: ComponentChildren;
}) {
  return (
    <>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" disabled={props.busy}>
          {props.submitLabel}
        </button>
        {props.children}
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
