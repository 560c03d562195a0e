/** A job that ends in ERROR, with MediaConvert's error code (encode-job.ts lists the ones used). */
export class JobFailure extends Error {
  override name = 'JobFailure';
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}
