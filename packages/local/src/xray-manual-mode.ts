import { LOCAL_POWERTOOLS } from './lambda-context.js';

// The functions that run in this thread (the score API, the context refresh) get their environment as
// an argument, but the X-Ray SDK reads its mode from process.env once, when first imported: runtime.ts
// imports this module before any function's, so that the SDK starts in the mode LOCAL_POWERTOOLS says.
process.env.AWS_XRAY_MANUAL_MODE = LOCAL_POWERTOOLS.AWS_XRAY_MANUAL_MODE;
