include(CMakePackageConfigHelpers)
install(EXPORT lightwatt-targets NAMESPACE lightwatt:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lightwatt)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/lightwattConfig.cmake.in
  ${PROJECT_BINARY_DIR}/lightwattConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lightwatt)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lightwattConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lightwattConfig.cmake ${PROJECT_BINARY_DIR}/lightwattConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lightwatt)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lightwatt)
