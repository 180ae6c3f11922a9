"""Text for matching: normalisation, stems, consonant skeletons, redaction. Imports nothing of ours."""
