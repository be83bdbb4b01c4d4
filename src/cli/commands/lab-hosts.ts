import type { RegisterCommand } from '../types.js';

// Placeholder: replaced by the work that builds this command.
export const registerLabHosts: RegisterCommand = () => {};
