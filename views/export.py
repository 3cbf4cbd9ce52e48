"""Placeholder while the page is built."""

import streamlit as st


def export_page() -> None:
    st.title("export")
