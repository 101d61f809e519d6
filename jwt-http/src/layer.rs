//! `JwtLayer`: verification as a tower `Layer` (feature `tower`).
