"""Placeholder while the page is built."""

import streamlit as st


def organisation_page() -> None:
    st.title("organisation")
