import { Button, Dialog, DialogTrigger, Heading, Popover, type Placement } from 'react-aria-components';

/**
 * A button for something that cannot be undone: pressed, it opens a small alert dialog beside it
 * that asks first. The dialog is named by its title; the button that keeps things as they are has
 * the focus, so Enter or Escape changes nothing. The texts come translated from the caller.
 */
export function ConfirmButton({
  label,
  className = 'button',
  placement,
  isDisabled,
  title,
  body,
  confirmLabel,
  keepLabel,
  onConfirm,
}: {
  /** The button that opens the dialog. */
  label: string;
  className?: string;
  /** Where the dialog opens, next to the button. */
  placement: Placement;
  isDisabled: boolean;
  title: string;
  body: string;
  /** The dangerous choice: it closes the dialog, then calls `onConfirm`. */
  confirmLabel: string;
  /** The safe choice: it only closes the dialog. */
  keepLabel: string;
  onConfirm: () => void;
}) {
  return (
    <DialogTrigger>
      <Button className={className} isDisabled={isDisabled}>
        {label}
      </Button>
      <Popover className="confirm" placement={placement}>
        <Dialog role="alertdialog" className="confirm__dialog">
          {({ close }) => (
            <>
              <Heading slot="title" className="confirm__title">
                {title}
              </Heading>
              <p>{body}</p>
              <div className="call__actions">
                <Button
                  className="button button--danger"
                  onPress={() => {
                    close();
                    onConfirm();
                  }}
                >
                  {confirmLabel}
                </Button>
                <Button className="button" autoFocus onPress={close}>
                  {keepLabel}
                </Button>
              </div>
            </>
          )}
        </Dialog>
      </Popover>
    </DialogTrigger>
  );
}
