// The config module is made by the build (internal/widget), not a file.
declare module 'notis:config' {
  const config: unknown;
  export default config;
}

// One language's texts for the preferences dialog (dialog.ts).
declare module 'notis:texts' {
  const texts: unknown;
  export default texts;
}

// A stylesheet, minified, as a string: consent.css in main.ts, dialog.css
// in dialog.ts; each adopts its own.
declare module 'notis:css' {
  const css: string;
  export default css;
}
