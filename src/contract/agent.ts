import { z } from 'zod';

/**
 * The agent's state: whether a call may come. Available takes calls; On call and Wrap-up are the
 * work of a call; Break and Not ready (with a reason) are the agent's own choice; Offline is
 * logged out. The core's state machine (src/agent/) enforces the legal moves. Times are epoch ms.
 */
export const AgentStateName = z.enum(['available', 'on-call', 'wrap-up', 'break', 'not-ready', 'offline']);
export type AgentStateName = z.infer<typeof AgentStateName>;

/** What the agent can choose; the others follow the calls. */
export const ChosenState = z.enum(['available', 'break', 'not-ready', 'offline']);
export type ChosenState = z.infer<typeof ChosenState>;

export const AgentState = z.object({
  state: AgentStateName,
  /** Not ready: why (a configured reason such as "training"). */
  reason: z.string().optional(),
  since: z.number(),
  /** Wrap-up: the calls whose record is still to be written, oldest first. */
  wrapUps: z.array(z.string()),
  /** Chosen during a call or a wrap-up: where the agent goes once the work of the call is done. */
  next: z.object({ state: ChosenState, reason: z.string().optional() }).optional(),
  /** Wrap-up: when its time runs out (absent without a limit). */
  wrapUpDueAt: z.number().optional(),
  /** Since when the agent has worked without a break (Available, On call, Wrap-up), for the break reminder. */
  workingSince: z.number().optional(),
  /** The break reminder is due (a screen break after a long stretch). */
  breakDue: z.boolean(),
});
export type AgentState = z.infer<typeof AgentState>;

/** An incoming call the desk refused because the agent was not available. */
export const DeclinedCall = z.object({
  at: z.number(),
  number: z.string(),
  displayName: z.string().optional(),
  state: AgentStateName,
  /** Not ready: its reason. */
  reason: z.string().optional(),
});
export type DeclinedCall = z.infer<typeof DeclinedCall>;
