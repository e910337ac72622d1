/** Protocol limits shared by server, SDK and widget: one source of truth for every bound. */

/** Largest WebSocket frame the server accepts (bytes); larger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Largest message text (UTF-16 code units). */
export const MAX_TEXT_LENGTH = 4000;
/** Largest JSON body on REST routes (bytes). */
export const MAX_BODY_BYTES = 64 * 1024;
/** Longest id (client ids, server ids, app ids). */
export const MAX_ID_LENGTH = 64;
/** Metadata: at most this many keys, each key and string value bounded. */
export const MAX_METADATA_KEYS = 20;
export const MAX_METADATA_KEY_LENGTH = 64;
export const MAX_METADATA_VALUE_LENGTH = 500;
/** A resume may name at most this many threads. */
export const MAX_RESUME_THREADS = 200;
/** Past this many missed messages in one thread the server answers `reload` instead of replaying. */
export const RESUME_REPLAY_CAP = 1000;
/** History pages hold at most this many messages. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;
/** Longest correlation ref a client may attach to a request frame. */
export const MAX_REF_LENGTH = 64;
/** Display names, emails and avatar URLs. */
export const MAX_NAME_LENGTH = 120;
export const MAX_URL_LENGTH = 2048;
