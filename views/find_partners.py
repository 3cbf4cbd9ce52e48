"""Placeholder while the page is built."""

import streamlit as st


def find_partners_page() -> None:
    st.title("find_partners")
