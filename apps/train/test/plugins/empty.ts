/** A module that exports no optimizer definition (`--plugin` must refuse it). */
export const answer = 42;
