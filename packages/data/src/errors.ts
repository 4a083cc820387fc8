/** Errors of @nn/data. */
import { ValueError } from "@nn/tensor";

/**
 * A data file that cannot be read as what it claims to be (a truncated or corrupt IDX file, a bad
 * gzip stream, a CSV cell that is not a number): the message names the file and what is wrong.
 */
export class DataFormatError extends ValueError {
  override name = "DataFormatError";
}
