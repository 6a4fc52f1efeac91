/** JSON as a reader wants it: indented, in a scrollable block named for screen readers. */
export function JsonView(props: { label: string; value: unknown }) {
  const text = typeof props.value === 'string' ? props.value : JSON.stringify(props.value, null, 2);
  return (
    <section class="json" aria-label={props.label}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must take the focus to be scrolled from the keyboard */}
      <pre tabIndex={0}>{text ?? 'none'}</pre>
    </section>
  );
}
