import type { CompiledTemplate } from "../../workers/templates/compile";
import { getTemplate } from "../../workers/templates/registry";

export function template(name: string): CompiledTemplate {
  const found = getTemplate(name, 1);
  if (!found) throw new Error(`template ${name}_v1 is missing`);
  return found;
}
