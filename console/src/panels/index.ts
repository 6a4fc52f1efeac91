/**
 * The panels of the console, in the order of the navigation. To add one: write
 * `panels/NAME.tsx` exporting a `Panel`, and list it here (see console/README.md).
 */
import type { FunctionComponent } from 'preact';
import { calendarPanel } from './calendar';
import { crmPanel } from './crm';
import { eventsPanel } from './events';
import { faultsPanel } from './faults';
import { journalPanel } from './journal';
import { portalsPanel } from './portals';
import { resourcesPanel } from './resources';
import { waitListPanel } from './waitlist';

export interface PanelProps {
  /** The portal the user picked (`default` at first). */
  portal: string;
  /** What follows the panel's name in the address (`#/crm/deal/7` -> `['deal', '7']`). */
  args: string[];
  /** Grows whenever the portal changes (src/live.ts): reload what the panel shows when it does. */
  changes: number;
  /** Shows `name` (the shell's portal picker follows). */
  pickPortal: (name: string) => void;
  /** Tells the shell a portal was made or removed here, so its picker lists them again. */
  portalsChanged: () => void;
}

export interface Panel {
  /** The first part of the address: `#/<id>`. */
  id: string;
  /** The navigation's text and the panel's heading. */
  title: string;
  view: FunctionComponent<PanelProps>;
}

export const PANELS: Panel[] = [
  calendarPanel,
  waitListPanel,
  resourcesPanel,
  crmPanel,
  eventsPanel,
  journalPanel,
  faultsPanel,
  portalsPanel,
];
