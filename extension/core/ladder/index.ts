// The ladder of one connection (a message sequence chart): input.ts reads it out of the timeline model, layout.ts
// places rows and arrows, svg.ts draws them. All pure: the webview imports the same files.
export * from './input';
export * from './label';
export * from './layout';
export * from './svg';
