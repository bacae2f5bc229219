/** Engine semantics reproduced bit for bit (the golden vectors were produced by 1.1.0). */
export const ENGINE_VERSION = '1.1.0';
/** Version of the wire payload and HTTP API; stays at the engine's until the payload changes shape. */
export const API_VERSION = '1.1.0';
