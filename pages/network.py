"""Placeholder while the page is built."""

import streamlit as st


def network_page() -> None:
    st.title("network")
