"""Placeholder while the page is built."""

import streamlit as st


def consortium_page() -> None:
    st.title("consortium")
