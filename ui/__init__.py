"""The Streamlit side of the app: cached data loading, the frame around every page, and the few
widgets the pages share. The domain lives in `csr`; nothing here decides a number."""
