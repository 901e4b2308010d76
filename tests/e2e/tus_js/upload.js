'use strict';
// One file through the official tus client (tus-js-client, in Node), as another client of the
// share server's upload protocol would send it:
//   node upload.js ENDPOINT FILE TOKEN SHARE_ID NAME CHUNK_BYTES
// Prints {"url": ...} and exits 0 once the upload is complete; exits 1 with the error.
const fs = require('fs');
const tus = require('tus-js-client');

const [endpoint, file, token, share, name, chunk] = process.argv.slice(2);
const upload = new tus.Upload(fs.createReadStream(file), {
  endpoint,
  uploadSize: fs.statSync(file).size,
  chunkSize: Number(chunk),
  headers: { Authorization: `Bearer ${token}` },
  metadata: { share, name },
  // A dropped connection is retried at once, then with growing waits (the library's default
  // gives up after four tries; a bad hotel Wi-Fi needs more).
  retryDelays: [0, 100, 250, 500, 1000, 1000, 2000, 2000, 2000, 2000, 2000],
  onError: (error) => {
    console.error(`upload failed: ${error}`);
    process.exit(1);
  },
  onSuccess: () => {
    console.log(JSON.stringify({ url: upload.url }));
  },
});
upload.start();
