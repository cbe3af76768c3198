export * from './clients';
export * from './payload';
export * from './runner';
export * from './verdict';
export * from './sweep';
export * from './sweep-report';
