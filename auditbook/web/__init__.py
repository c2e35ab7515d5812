"""HTML that pages and documents share: the stylesheet and small escaped pieces (tables,
headline figure cards, download links). Imports nothing else of auditbook."""
