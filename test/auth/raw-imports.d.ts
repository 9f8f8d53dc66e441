/** Vite's `?raw` imports (file contents as a string), used to check docs against code. */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
