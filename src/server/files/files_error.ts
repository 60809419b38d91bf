/**
 * The one error of the files server: an HTTP status and a sentence for the client (the SDK prints
 * it after "Failed uploading object …"). `createFilesApp`'s `onError` turns it into the answer.
 */
export class FilesError extends Error {
  readonly status: 400 | 401 | 404 | 405 | 413 | 415 | 500 | 507;
  constructor(status: FilesError["status"], message: string) {
    super(message);
    this.name = "FilesError";
    this.status = status;
  }
}
