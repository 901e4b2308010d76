"""Upload targets: where a share's package goes (the share server, an S3 bucket, a folder)."""
