/**
 * Framing for the shared-clock protocol (protocol.ts): the byte stream split into newline-delimited
 * lines of bounded length, and the error any frame that breaks the protocol raises.
 */

/** The longest frame either side accepts, in bytes, excluding the newline. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** A frame broke the protocol; the connection that sent it is closed. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/**
 * Splits a byte stream into lines. `push` returns the complete lines (without the newline, CR
 * tolerated) and throws a ProtocolError as soon as a line exceeds MAX_FRAME_BYTES, without buffering it.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  readonly #max: number;

  constructor(maxFrameBytes = MAX_FRAME_BYTES) {
    this.#max = maxFrameBytes;
  }

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) break;
      const piece = chunk.subarray(start, newline);
      if (this.#buffered + piece.length > this.#max) throw this.#tooLong(this.#buffered + piece.length);
      const bytes = this.#buffered ? Buffer.concat([...this.#chunks, piece]) : piece;
      this.#chunks = [];
      this.#buffered = 0;
      lines.push(this.#decode(bytes));
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.#buffered + rest.length > this.#max) throw this.#tooLong(this.#buffered + rest.length);
      this.#chunks.push(Buffer.from(rest));
      this.#buffered += rest.length;
    }
    return lines;
  }

  #decode(bytes: Uint8Array): string {
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch {
      throw new ProtocolError('frame is not valid UTF-8');
    }
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  #tooLong(size: number): ProtocolError {
    return new ProtocolError(`frame exceeds ${this.#max} bytes (at least ${size} bytes without a newline)`);
  }
}
