"""Agency scorecards for print: the figures of one agency in one cycle, as a PDF in Thai."""
