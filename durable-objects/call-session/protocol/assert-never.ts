/**
 * Exhaustiveness check for switches over a discriminated union: if a new member is added to the
 * union and a switch forgets it, this call stops compiling. At runtime it only fires if the wire
 * delivered something the schema let through but the switch did not expect, so it throws loudly.
 */
export function assertNever(x: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(x)}`);
}
