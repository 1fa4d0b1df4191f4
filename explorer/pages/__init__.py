"""The explorer's pages (run by ``st.navigation`` in ``streamlit_app.py``)."""
