"""What a send makes from a clip: the finalized video, the poster, the email GIF and the
optional intro card."""
